"""Review sheets and machine-readable exports."""
