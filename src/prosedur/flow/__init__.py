"""The flow of steps as a graph (analysis) and its swimlane layout (geometry, no drawing)."""
