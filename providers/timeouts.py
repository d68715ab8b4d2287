"""The default timeouts and the variables that change them.

Apart from ``http`` (which applies them) so that what only names them, such as the parameter
form's descriptions (``parameter_info``), does not import the network stack.
"""

from __future__ import annotations

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 300.0
READ_TIMEOUT_ENV = "ROUNDTABLE_READ_TIMEOUT"
#: The whole answer, from sending the request to its last byte (``timeout`` is per read).
DEFAULT_TOTAL_TIMEOUT = 1800.0
TOTAL_TIMEOUT_ENV = "ROUNDTABLE_TOTAL_TIMEOUT"
