"""BWV coding workbench: core library (no UI imports).

Code police body-worn-video transcripts against a versioned codebook, check inter-rater
reliability, adjudicate, and run the study's analyses reproducibly.
"""

__version__ = "0.1.0"
