"""Pure tenancy rules: slugs, role ranking, and the owner rules of domain.md §1."""

from __future__ import annotations

import uuid

import pytest
from batchivo_auth.tenants import rules
from batchivo_auth.tenants.rules import Denied, MustKeepOwner
from batchivo_common.auth.tokens import Role

ME, YOU = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Prints", "acme-prints"),
        ("  Prints & Co. Ltd  ", "prints-co-ltd"),
        ("Ådå's Drücke", "ada-s-drucke"),
        ("3D---Lab__", "3d-lab"),
        ("🚀🚀", "tenant"),
        ("", "tenant"),
        ("x" * 300, "x" * rules.SLUG_BASE_MAX_LENGTH),
        ("a" * 49 + " b", "a" * 49),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert rules.slugify(name) == slug


def test_a_suffixed_slug_stays_a_valid_slug_within_the_column() -> None:
    slug = rules.slug_with_suffix(rules.slugify("y" * 300), "a1b2c3")
    assert slug == "y" * rules.SLUG_BASE_MAX_LENGTH + "-a1b2c3"
    assert len(slug) <= rules.SLUG_MAX_LENGTH


def test_roles_rank_viewer_member_admin_owner() -> None:
    assert [r.rank for r in (Role.viewer, Role.member, Role.admin, Role.owner)] == [0, 1, 2, 3]
    assert rules.outranks(Role.owner, Role.admin)
    assert not rules.outranks(Role.admin, Role.admin)
    assert rules.ROLE_NAMES == ("viewer", "member", "admin", "owner")


@pytest.mark.parametrize(
    ("token", "stored", "effective"),
    [
        (Role.admin, Role.viewer, Role.viewer),
        (Role.member, Role.owner, Role.member),
        (Role.admin, Role.admin, Role.admin),
    ],
)
def test_the_effective_role_is_the_lower_one(token: Role, stored: Role, effective: Role) -> None:
    assert rules.effective_role(token, stored) is effective


@pytest.mark.parametrize(
    ("actor", "role", "allowed"),
    [
        (Role.viewer, Role.viewer, False),
        (Role.member, Role.viewer, False),
        (Role.admin, Role.viewer, True),
        (Role.admin, Role.admin, True),
        (Role.admin, Role.owner, False),
        (Role.owner, Role.owner, True),
    ],
)
def test_who_may_add_which_role(actor: Role, role: Role, allowed: bool) -> None:
    if allowed:
        rules.check_add(actor, role)
    else:
        with pytest.raises(Denied):
            rules.check_add(actor, role)


def _change(actor: Role, current: Role, new: Role, owners: int = 2, target: uuid.UUID = YOU) -> None:
    rules.check_change(actor_id=ME, actor=actor, target_id=target, current=current, new=new, owners=owners)


def test_an_admin_changes_members_and_admins_but_not_owners() -> None:
    _change(Role.admin, Role.member, Role.admin)
    _change(Role.admin, Role.admin, Role.viewer)
    with pytest.raises(Denied):
        _change(Role.admin, Role.owner, Role.admin)
    with pytest.raises(Denied):
        _change(Role.admin, Role.member, Role.owner)


def test_only_an_owner_grants_or_takes_owner() -> None:
    _change(Role.owner, Role.member, Role.owner)
    _change(Role.owner, Role.owner, Role.admin, owners=2)


def test_nobody_changes_or_removes_themself() -> None:
    for actor in Role:
        with pytest.raises(Denied):
            _change(actor, actor, Role.viewer, target=ME)
        with pytest.raises(Denied):
            rules.check_remove(actor_id=ME, actor=actor, target_id=ME, current=actor, owners=5)


def test_a_tenant_keeps_at_least_one_owner() -> None:
    with pytest.raises(MustKeepOwner):
        _change(Role.owner, Role.owner, Role.admin, owners=1)
    with pytest.raises(MustKeepOwner):
        rules.check_remove(actor_id=ME, actor=Role.owner, target_id=YOU, current=Role.owner, owners=1)
    rules.check_remove(actor_id=ME, actor=Role.owner, target_id=YOU, current=Role.owner, owners=2)
    _change(Role.owner, Role.owner, Role.owner, owners=1)  # not a demotion


def test_removal_follows_the_management_rules() -> None:
    rules.check_remove(actor_id=ME, actor=Role.admin, target_id=YOU, current=Role.admin, owners=1)
    for actor, target in ((Role.admin, Role.owner), (Role.member, Role.viewer), (Role.viewer, Role.viewer)):
        with pytest.raises(Denied):
            rules.check_remove(actor_id=ME, actor=actor, target_id=YOU, current=target, owners=2)
