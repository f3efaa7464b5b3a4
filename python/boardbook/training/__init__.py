"""Training evaluation: learners' confidence before and after each course, as learning gain for the annual report."""
