"""azureml-migrate: find Azure ML SDK v1 code and migrate it to SDK v2 and MLflow."""

__version__ = "0.1.0"
