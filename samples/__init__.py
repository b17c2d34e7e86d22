"""Sample documents for masker: the synthetic page generator (``samples.synth``) and a few
committed demo files (``samples/demo``)."""
