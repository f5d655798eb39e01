"""Who may download or remove a file is the owning feature's rule: `uploads.read` and `uploads.remove` look up
the owner's kind and ask the permission that kind registered (e.g. "grants.read_documents") about the owner."""
from livesafe.kernel.permissions import can, deny, rule
from livesafe.uploads.logic import KINDS


def _ask(user, upload, permission_of):
    kind = KINDS.get(upload.owner_kind)
    owner = kind.load(upload.owner_id) if kind else None
    if owner is None:
        return deny("That file is no longer available.")
    return can(permission_of(kind), user, owner)


@rule("uploads.read")
def read(user, upload):
    return _ask(user, upload, lambda kind: kind.read)


@rule("uploads.remove")
def remove(user, upload):
    return _ask(user, upload, lambda kind: kind.remove or kind.attach)
