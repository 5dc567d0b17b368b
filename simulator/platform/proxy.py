"""代办: a citizen acting for another, with both identities recorded.

The agent identifies first, at face level (ID card and face, or the e-ID). Then the
principal's own ID card is read at the terminal and ``POST /v1/identity/proxy`` (with the
agent's session) records an authorisation — who acts for whom, on which relation — and opens
a session for the principal that carries it. Cases made with that session are the
principal's (progress and evaluation belong to the principal) and name the authorisation;
the application's answer gives both, masked, for the receipt.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, Field

from simulator.platform import idnumber
from simulator.platform.identity import LEVEL_RANK
from simulator.platform.state import ApiError, PlatformState, get_state
from simulator.platform.store import Store

RELATIONS = ("委托", "监护", "近亲属")
SCHEMA = """
CREATE TABLE IF NOT EXISTS proxies (
    authorisation_no TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, agent_hash TEXT NOT NULL,
    agent_masked TEXT NOT NULL, principal_hash TEXT NOT NULL, principal_masked TEXT NOT NULL,
    relation TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS case_proxies (
    case_no TEXT PRIMARY KEY, authorisation_no TEXT NOT NULL);
"""

router = APIRouter()
State = Annotated[PlatformState, Depends(get_state)]


class ProxyRequest(BaseModel):
    """The principal's ID-card fields (read at the terminal) and the relation."""

    fields: dict[str, str] = Field(description="id_number and name of the principal")
    relation: str = Field(pattern="^(委托|监护|近亲属)$")


class ProxyResponse(BaseModel):
    """A session for the principal, acting through the recorded authorisation."""

    session_token: str
    level: str
    access_expires_in: int
    name_masked: str
    id_masked: str
    authorisation_no: str
    agent_masked: str
    relation: str


def _masked(name: str, number: str) -> str:
    return ((name[0] + "*" * (len(name) - 1)) if name else "") + " " + idnumber.mask(number)


def authorisation(store: Store, token: str) -> dict[str, Any] | None:
    """The authorisation a session token acts under (None: the citizen acts for themself)."""
    store.ensure(SCHEMA)
    rows = store.query("SELECT authorisation_no, agent_masked, principal_masked, relation "
                       "FROM proxies WHERE token=?", (token,))
    return dict(rows[0]) if rows else None


def note_case(store: Store, case_no: str, authorisation_no: str) -> None:
    """Record that a case was made under an authorisation."""
    with store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO case_proxies VALUES (?,?)",
                     (case_no, authorisation_no))


@router.post("/identity/proxy", response_model=ProxyResponse, tags=["identity"])
def identify_proxy(body: ProxyRequest, state: State,
                   token: Annotated[str, Header(alias="X-EBT-Session")]) -> Any:
    """代办: the identified agent (face level) acts for the principal whose card was read."""
    agent = state.sessions.get(token)
    now = state.clock()
    if agent is None or not agent.can_access(now):
        raise ApiError(403, "session_invalid", "the agent's session is missing or expired")
    if LEVEL_RANK[agent.level] < LEVEL_RANK["idcard_face"]:
        raise ApiError(403, "identity_level", "an agent must pass the face check first")
    number = body.fields.get("id_number", "").strip().upper()
    name = body.fields.get("name", "").strip()
    if not idnumber.is_valid(number) or not name:
        raise ApiError(400, "invalid_id_card", "the principal's ID number or name is invalid")
    if number == agent.id_number:
        raise ApiError(400, "same_person", "the agent and the principal are the same person")
    # the agent's face was checked and the principal's own card is on the reader
    principal = state.sessions.create(number, name, "idcard_face", now)
    auth_no = "DB" + secrets.token_hex(8).upper()
    agent_masked = _masked(agent.name or state.sessions.registered_name(agent.id_number),
                           agent.id_number)
    state.store.ensure(SCHEMA)
    with state.store.transaction() as conn:
        conn.execute("INSERT INTO proxies VALUES (?,?,?,?,?,?,?,?)",
                     (auth_no, principal.token, idnumber.digest(agent.id_number),
                      agent_masked, idnumber.digest(number), _masked(name, number),
                      body.relation, now))
    return {"session_token": principal.token, "level": principal.level,
            "access_expires_in": 900, "name_masked": (name[0] + "*" * (len(name) - 1)),
            "id_masked": idnumber.mask(number), "authorisation_no": auth_no,
            "agent_masked": agent_masked, "relation": body.relation}
