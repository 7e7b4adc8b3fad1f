"""Applications to speak or observe (V1–V7, V15, W1, W4): the public form, the applicant's own page,
and the secretariat's desk."""
