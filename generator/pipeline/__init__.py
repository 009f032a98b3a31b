"""The pipeline: job lists of each flow, their run and the plan guard."""
