"""Training runs with MADA and the base optimizers, a bound monitor, the robustness grid."""
