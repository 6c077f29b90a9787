"""Business rules. Services take and return models; they never see events or HTTP."""
