from chidao.org.models.changes import UnitChange
from chidao.org.models.people import FollowAssignment, Membership, Person, Role
from chidao.org.models.units import Level, SectorBlock, Unit, UnitKind, UnitSuccession

__all__ = [
    "FollowAssignment",
    "Level",
    "Membership",
    "Person",
    "Role",
    "SectorBlock",
    "Unit",
    "UnitChange",
    "UnitKind",
    "UnitSuccession",
]
