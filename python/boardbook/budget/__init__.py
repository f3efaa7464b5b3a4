"""Budget and partner contributions: apportion the requirement, roll reserves forward, publish the table."""
