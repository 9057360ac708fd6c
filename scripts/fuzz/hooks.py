# Schemathesis hooks for `npm run test:fuzz`: DELETEs reach only rooms made to be deleted, and no call leaves the machine.
#
# The stateful phase feeds IDs from list answers into DELETE operations, and the coverage phase repeats one value
# many times, so the dictionaries in schemathesis.toml are not enough on their own. Before every call this guard
# rewrites a room DELETE that names a seeded room or alias, or a room an earlier DELETE already deleted (a second v2
# DELETE of a room whose delete task still runs is Synapse's 400 "Purge already in progress", a state conflict and
# not a verdict on the input), to a fresh victim. Schemathesis revalidates a case a hook changed, so its checks judge
# what was actually sent. Generated values that name no existing room are left alone: the facade must refuse them.
#
# It also keeps the run on this machine. Synapse resolves an alias of another server over federation, and
# make_room_admin invites its `user_id` (of any server) into a non-public room; the fuzz Synapse refuses to federate
# with anyone (federation_domain_whitelist, scripts/fuzz/synapse.ts), so such calls would only measure that refusal
# (Synapse's 502 "Failed to fetch alias"). So cases whose room alias names another server Synapse would federate
# with are not generated (filter_case), and before each call whatever still names one (an alias, or make_room_admin's
# user_id) is moved to the local server, same localpart. Values the facade should refuse are left as generated.
#
# filter_failure drops one narrow kind of failure: Synapse's own 400 to a well-formed request that the server's
# *state* refuses (listed below with where Synapse raises it). The facade passes Synapse's errors through unchanged,
# so these say nothing about the input or the facade. Everything else fails the run.
import atexit
import collections
import functools
import itertools
import json
import os
import re
import threading
from urllib.parse import quote, unquote

import schemathesis

with open(os.environ["FUZZ_TARGETS"], encoding="utf-8") as targets_file:
    _TARGETS = json.load(targets_file)

_PROTECTED = frozenset(_TARGETS["protected"])
_ROOM_DELETES = {
    "/_synapse/admin/v1/rooms/{room_id}": "room_id",
    "/_synapse/admin/v2/rooms/{room_id}": "room_id",
    "/_synapse/admin/v1/rooms/{room_identifier}/forward_extremities": "room_identifier",
}
_WHOLE_ROOM_DELETES = ("/_synapse/admin/v1/rooms/{room_id}", "/_synapse/admin/v2/rooms/{room_id}")

_lock = threading.Lock()
_spare_victims = list(_TARGETS["victims"])
_deleted: set[str] = set()
_never_existed = itertools.count(1)
_rewritten: list[dict[str, str]] = []
_dropped: collections.Counter[str] = collections.Counter()


@atexit.register
def _write_report() -> None:
    # Read by scripts/fuzz/run.ts: where the guard sent each DELETE it rewrote, and which failures were dropped.
    with _lock, open(os.environ["FUZZ_HOOKS_REPORT"], "w", encoding="utf-8") as report:
        json.dump({"rewritten": _rewritten, "deleted": sorted(_deleted), "dropped": dict(_dropped)}, report, indent=1)


def _fresh_room() -> str:
    """The next victim not deleted yet; past the last one, the ID of a room that never existed (a no-op delete)."""
    while _spare_victims:
        room_id = _spare_victims.pop(0)
        if room_id not in _deleted:
            return room_id
    return f"!fuzz-never-existed-{next(_never_existed)}:{_TARGETS['serverName']}"


def _room_key(value) -> str:
    # Path parameters hold the wire form (percent-encoded, sent as is); the facade decodes them once.
    return unquote(str(value))


def _wire(value: str) -> str:
    # A value a hook puts in is sent as is, so the hook encodes what would end or split the path (`#`, `?`, `/`, `%`,
    # non-ASCII). Schemathesis revalidates the value as written, so what a path segment may hold stays literal:
    # victims and room IDs then still match the documented pattern.
    return quote(value, safe="!$&'()*+,;=:@")


def _room_parameter(case):
    if case.method.upper() != "DELETE":
        return None
    return _ROOM_DELETES.get(case.path)


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str):
    return re.compile(pattern)


def _documented_pattern(case, name: str):
    """The pattern the OpenAPI document gives path parameter `name` of this operation, if any."""
    for parameter in case.operation.definition.raw.get("parameters", []):
        if parameter.get("in") == "path" and parameter.get("name") == name:
            pattern = (parameter.get("schema") or {}).get("pattern")
            return _compiled(pattern) if pattern else None
    return None


def _localised(identifier, pattern=None):
    """`#alias:remote` or `@user:remote` moved to the local server when Synapse would federate for it: the server
    part is ASCII (a non-ASCII one makes Synapse fail before federating: a facade finding, kept) and the whole value
    fits the documented pattern (one that does not is the facade's to refuse, kept). Anything else is unchanged."""
    if not isinstance(identifier, str) or identifier[:1] not in "#@" or ":" not in identifier:
        return identifier
    localpart, server = identifier.split(":", 1)
    if server == _TARGETS["serverName"] or not server.isascii() or (pattern is not None and not pattern.search(identifier)):
        return identifier
    return f"{localpart}:{_TARGETS['serverName']}"


def _remote_room_identifier(case):
    room = (case.path_parameters or {}).get("room_identifier")
    if room is None:
        return None
    local = _localised(_room_key(room), _documented_pattern(case, "room_identifier"))
    return None if local == _room_key(room) else local


def _keep_federation_local(case) -> None:
    local = _remote_room_identifier(case)
    if local is not None:
        case.path_parameters = {**case.path_parameters, "room_identifier": _wire(local)}
    if case.path.endswith("/make_room_admin") and isinstance(case.body, dict) and "user_id" in case.body:
        if _localised(case.body["user_id"]) != case.body["user_id"]:
            case.body = {**case.body, "user_id": _localised(case.body["user_id"])}


@schemathesis.hook
def filter_case(context, case):
    return _remote_room_identifier(case) is None


@schemathesis.hook
def before_call(context, case, kwargs):
    _keep_federation_local(case)
    name = _room_parameter(case)
    if name is None or name not in case.path_parameters:
        return
    target = _room_key(case.path_parameters[name])
    with _lock:
        if target in _PROTECTED or (case.path in _WHOLE_ROOM_DELETES and target in _deleted):
            # A new dict (not an in-place edit) marks the path parameters as changed, so the case is revalidated.
            replacement = _fresh_room()
            case.path_parameters = {**case.path_parameters, name: _wire(replacement)}
            _rewritten.append({"operation": f"DELETE {case.path}", "from": target, "to": replacement})


@schemathesis.hook
def after_call(context, case, response):
    name = _room_parameter(case)
    if name is None or case.path not in _WHOLE_ROOM_DELETES or response.status_code != 200:
        return
    with _lock:
        _deleted.add(_room_key(case.path_parameters.get(name)))


# Synapse 1.163's 400s (M_UNKNOWN) that depend on the server's state, not on the request (synapse/rest/admin/...):
_STATE_REFUSALS = (
    # federation.py DestinationResetConnectionRestServlet: the destination has no retry timing to reset.
    "The retry timing does not need to be reset for this destination.",
    # rooms.py MakeRoomAdminRestServlet: no local member can grant power (abandoned or remote-only rooms).
    "Server not in room",
    "No local admin user in room",
    "No local admin user in room with power to update power levels.",
)
# handlers/pagination.py start_shutdown_and_purge_room: a v2 delete task for that room is still running.
_STATE_REFUSAL_PREFIXES = ("Purge already in progress for ",)
# handlers/room.py shutdown_room: a v1 delete refuses a non-local new_room_user_id, or a local one without `@`,
# only when the room exists (the facade refuses first, as Synapse would); v2 always refuses both and documents it.
_V1_DELETE_LOCAL_USER = ("/v1/rooms/{room_id}", ("User must be our own: ", "Expected UserID string to start with '@'"))
# The facade API's opaque values are only ever ones it answered itself: a cursor from an earlier page
# (src/facade/v1/audit.ts, src/jobs/view.ts, src/index/cursor.ts) and a confirm token from a dry run
# (src/jobs/confirm-token.ts). Any other string fits their schema and is refused by design, so a generated one says
# nothing about the request; nor does a job filter that matches no room, or too many, of the index right now.
_FACADE_MINTED = ("/_facade/v1/", (
    "Invalid query parameter 'cursor': ",
    "Running a job needs the confirm token of its dry run",
    "This confirm token was not issued by this facade",
    "This confirm token expired at ",
    # src/index/room-selection.ts: a job's filter must match between 1 and 10,000 rooms of the index as it is now.
    "No room of the index matches this filter",
    "The filter matches ",
))


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", None) != "ST202" or response.status_code != 400:
        return True
    try:
        error = json.loads(response.content).get("error", "")
    except (ValueError, AttributeError):
        return True
    v1_local_user = case.method == "DELETE" and case.path.endswith(_V1_DELETE_LOCAL_USER[0]) and error.startswith(_V1_DELETE_LOCAL_USER[1])
    facade_minted = case.path.startswith(_FACADE_MINTED[0]) and error.startswith(_FACADE_MINTED[1])
    if error in _STATE_REFUSALS or error.startswith(_STATE_REFUSAL_PREFIXES) or v1_local_user or facade_minted:
        with _lock:
            _dropped[f"{case.method} {case.path}: {error[:60]}"] += 1
        return False
    return True
