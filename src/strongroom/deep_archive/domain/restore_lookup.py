"""A restore request resolved to catalog entries, or refused with the reason a caller can act on.

Checks run in this order: project, deployment (region/account), notification topic, files, tier.
A file is named by a bare file name (the seed's way), a full source key, or ``s3://bucket/key``.
A bare name or key that matches several archived files is ambiguous (409, listing them) rather
than guessed; a name matching nothing is unknown (404, listing every unknown name).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Protocol

from strongroom.core.http_errors import ApiError
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.intake import (
    Deployment,
    DeploymentMismatch,
    ProjectNotRegistered,
)
from strongroom.deep_archive.domain.projects import Project
from strongroom.deep_archive.domain.restores import (
    MAX_FILES_PER_REQUEST,
    RETRIEVAL_TIERS,
    RestoreRequest,
    RetrievalTier,
)
from strongroom.deep_archive.domain.storage import RESTORE_REQUIRED, RESTORE_TIERS

S3_URI_SCHEME = "s3://"

TIER_WAITS = {
    ("DEEP_ARCHIVE", "Standard"): "within 12 hours",
    ("DEEP_ARCHIVE", "Bulk"): "within 48 hours",
    ("GLACIER", "Expedited"): "in 1-5 minutes",
    ("GLACIER", "Standard"): "in 3-5 hours",
    ("GLACIER", "Bulk"): "in 5-12 hours",
}


class CatalogLookup(Protocol):
    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        """The entry of the newest archived version of the object, if any."""
        ...

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        """Every entry whose key ends in ``/file_name`` (or is it), by key then age."""
        ...


class PrefixListing(Protocol):
    def under_prefix(
        self, project: Project, bucket: str | None, prefix: str
    ) -> Iterator[CatalogEntry]:
        """The newest catalogued version of every file of ``project`` whose key starts with
        ``prefix`` (in ``bucket``, or in any registered bucket), each file once."""
        ...


class RestoreRefused(ApiError):
    """A request that cannot start; each kind carries its status code and body."""


class TopicNotRegistered(RestoreRefused):
    def __init__(self, project: str, topic_arn: str, registered: tuple[str, ...]) -> None:
        listed = ", ".join(registered) if registered else "none"
        super().__init__(
            f"sns_topic_arn {topic_arn!r} is not a notification topic project {project!r} "
            f"registered; registered: {listed}",
            status=HTTPStatus.FORBIDDEN,
            field="sns_topic_arn",
            project=project,
            given=topic_arn,
            registered=list(registered),
        )
        self.project = project
        self.topic_arn = topic_arn
        self.registered = registered


class UnknownFiles(RestoreRefused):
    def __init__(self, project: str, names: list[str]) -> None:
        super().__init__(
            f"no archived file of project {project!r} matches {', '.join(map(repr, names))}",
            status=HTTPStatus.NOT_FOUND,
            project=project,
            unknown=names,
        )
        self.project = project
        self.names = names


class AmbiguousFiles(RestoreRefused):
    def __init__(self, project: str, matches: dict[str, list[str]]) -> None:
        described = "; ".join(
            f"{name!r} matches {', '.join(keys)}" for name, keys in matches.items()
        )
        super().__init__(
            f"name each file by its full key: {described}",
            status=HTTPStatus.CONFLICT,
            project=project,
            matches=matches,
        )
        self.project = project
        self.matches = matches


class TooManyFiles(RestoreRefused):
    def __init__(self, field: str, count: int) -> None:
        super().__init__(
            f"{field} selects {count} or more files; one request restores at most "
            f"{MAX_FILES_PER_REQUEST} (split it, e.g. by a longer prefix)",
            status=HTTPStatus.UNPROCESSABLE_ENTITY,
            field=field,
            rule="too_many_files",
        )
        self.field = field
        self.count = count


class TierNotOffered(RestoreRefused):
    def __init__(
        self, tier: str, storage_class: str | None, allowed: tuple[str, ...], keys: list[str]
    ) -> None:
        if storage_class is None:
            reason = f"retrieval_tier {tier!r} is not a retrieval tier"
        else:
            waits = "; ".join(
                f"{option} restores {TIER_WAITS[(storage_class, option)]}" for option in allowed
            )
            reason = (
                f"retrieval_tier {tier!r} is not offered for {storage_class} archives "
                f"(S3 has no {tier} retrieval for that class; {waits})"
            )
        super().__init__(
            f"{reason}; allowed: {', '.join(allowed)}",
            status=HTTPStatus.BAD_REQUEST,
            field="retrieval_tier",
            given=tier,
            storage_class=storage_class,
            allowed=list(allowed),
            files=keys,
        )
        self.tier = tier
        self.storage_class = storage_class
        self.allowed = allowed
        self.keys = keys


@dataclass(frozen=True, slots=True)
class ResolvedFile:
    requested: str
    entry: CatalogEntry


def resolve_restore(
    request: RestoreRequest,
    project: Project | None,
    deployment: Deployment,
    catalog: CatalogLookup,
    listing: PrefixListing,
) -> tuple[RetrievalTier, list[ResolvedFile]]:
    """The tier and files ``request`` restores; raises a RestoreRefused or IntakeError subclass."""
    if project is None or project.name != request.project_name:
        raise ProjectNotRegistered(request.project_name)
    if request.region is not None and request.region != deployment.region:
        raise DeploymentMismatch("region", request.region, deployment.region)
    if request.account is not None and request.account != deployment.account_id:
        raise DeploymentMismatch("account", request.account, deployment.account_id)
    if request.sns_topic_arn not in project.notification_topic_arns:
        raise TopicNotRegistered(
            project.name, request.sns_topic_arn, project.notification_topic_arns
        )
    if request.prefix is not None:
        files = _under_prefix(request, project, listing)
    else:
        files = _named(request.references, project, catalog)
    tier = checked_tier(request.retrieval_tier, [file.entry for file in files])
    return tier, files


def checked_tier(tier: str, entries: Iterable[CatalogEntry]) -> RetrievalTier:
    """``tier`` if every archive holding ``entries`` can be restored with it."""
    chosen = next((known for known in RETRIEVAL_TIERS if known == tier), None)
    if chosen is None:
        raise TierNotOffered(tier, None, RETRIEVAL_TIERS, [])
    for storage_class in dict.fromkeys(entry.storage_class for entry in entries):
        if storage_class not in RESTORE_REQUIRED:
            continue
        allowed = RESTORE_TIERS[storage_class]
        if chosen not in allowed:
            keys = [entry.key for entry in entries if entry.storage_class == storage_class]
            raise TierNotOffered(chosen, storage_class, allowed, keys)
    return chosen


def matches(reference: str, project: Project, catalog: CatalogLookup) -> list[CatalogEntry]:
    """Every archived file (newest version of each) ``reference`` can mean."""
    if is_bare_name(reference):
        return newest_per_file(catalog.find_by_file_name(project.name, reference))
    found = (
        catalog.get_latest(project.name, bucket, key)
        for bucket, key in full_key_addresses(reference, project)
    )
    return [entry for entry in found if entry is not None]


def is_bare_name(reference: str) -> bool:
    return not reference.startswith(S3_URI_SCHEME) and "/" not in reference


def full_key_addresses(reference: str, project: Project) -> list[tuple[str, str]]:
    """The (bucket, key) a full key or ``s3://`` URI can name: a full key in each of the
    project's buckets. None for a bare name."""
    if reference.startswith(S3_URI_SCHEME):
        bucket, _, key = reference.removeprefix(S3_URI_SCHEME).partition("/")
        return [(bucket, key)] if key else []
    if "/" in reference:
        buckets = dict.fromkeys(source.bucket for source in project.sources)
        return [(bucket, reference) for bucket in buckets]
    return []


def newest_per_file(entries: Iterable[CatalogEntry]) -> list[CatalogEntry]:
    """One entry per (bucket, key): the newest source version archived, then the latest archive."""
    chosen: dict[tuple[str, str], CatalogEntry] = {}
    for entry in entries:
        address = (entry.source_bucket, entry.key)
        current = chosen.get(address)
        if current is None or (entry.last_modified, entry.archived_at) > (
            current.last_modified,
            current.archived_at,
        ):
            chosen[address] = entry
    return sorted(chosen.values(), key=lambda entry: (entry.source_bucket, entry.key))


def _named(references: list[str], project: Project, catalog: CatalogLookup) -> list[ResolvedFile]:
    unknown: list[str] = []
    ambiguous: dict[str, list[str]] = {}
    files: dict[tuple[str, str], ResolvedFile] = {}
    several_buckets = len({source.bucket for source in project.sources}) > 1
    for reference in references:
        found = matches(reference, project, catalog)
        if not found:
            unknown.append(reference)
        elif len(found) > 1:
            ambiguous[reference] = [_address(entry, several_buckets) for entry in found]
        else:
            entry = found[0]
            files.setdefault((entry.source_bucket, entry.key), ResolvedFile(reference, entry))
    if unknown:
        raise UnknownFiles(project.name, unknown)
    if ambiguous:
        raise AmbiguousFiles(project.name, ambiguous)
    return list(files.values())


def _under_prefix(
    request: RestoreRequest, project: Project, listing: PrefixListing
) -> list[ResolvedFile]:
    prefix = request.prefix or ""
    files: list[ResolvedFile] = []
    for entry in listing.under_prefix(project, request.bucket_name, prefix):
        files.append(ResolvedFile(prefix, entry))
        if len(files) > MAX_FILES_PER_REQUEST:
            raise TooManyFiles("prefix", len(files))
    if not files:
        raise UnknownFiles(project.name, [prefix])
    return files


def _address(entry: CatalogEntry, with_bucket: bool) -> str:
    return f"{S3_URI_SCHEME}{entry.source_bucket}/{entry.key}" if with_bucket else entry.key
