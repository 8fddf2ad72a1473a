"""AWS: IAM authorization details, Organizations, credentials, workloads and resource policies."""
