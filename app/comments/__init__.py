"""Comments and their answers: written opinions, the comment log, responses, discussion items and minutes."""
