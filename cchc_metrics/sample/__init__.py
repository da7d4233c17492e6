"""Data made in code from a fixed seed: the fictional demo province and the national-scale set."""
