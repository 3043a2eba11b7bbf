"""strongroom: five AWS serverless record-keeping systems on one codebase."""

__version__ = "0.1.0"
