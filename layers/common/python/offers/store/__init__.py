"""DynamoDB and S3 access. Every key format lives in ``keys``; nothing else builds one."""
