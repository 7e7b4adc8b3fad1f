"""Comments and their answers: written opinions, the comment log, responses, discussion items and minutes."""
from . import messages  # noqa: F401  (registers the words for the comment rules' problems)
