"""ActiveLab's Python client: the label queue, selections, retraining,
exports and live queue events of an ActiveLab server, with an API token.

    from activelab import Client
    al = Client("http://localhost:8080", "al_...")
    model = al.model("ESOL solubility (logS)")
    item = al.claim(model)
    al.label(item, -2.31, notes="shake flask")

Depends on requests and websockets; pandas is optional (tables come back as
DataFrames when it is installed).
"""

from .client import Client, Retrain
from .errors import (
    ActiveLabError,
    BadUserInputError,
    ConflictError,
    CycleFailed,
    ForbiddenError,
    InternalError,
    NotFoundError,
    UnauthenticatedError,
)

__version__ = "0.1.0"

__all__ = [
    "Client",
    "Retrain",
    "ActiveLabError",
    "BadUserInputError",
    "ConflictError",
    "CycleFailed",
    "ForbiddenError",
    "InternalError",
    "NotFoundError",
    "UnauthenticatedError",
    "__version__",
]
