"""``strongroom archive estimate``: price a listed prefix, or a hypothetical inventory.

With ``--bucket``/``--prefix`` the prefix is listed (the local stack, or AWS with ``--aws``);
with ``--objects``/``--size`` or ``--histogram`` nothing is listed: the figures are priced as
given, for planning before anything exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import boto3
import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Group
from rich.progress import Progress, SpinnerColumn, TextColumn

from strongroom.cli.archive_options import (
    OptionError,
    build_estimate_options,
    build_inventory_options,
    build_uniform_objects,
)
from strongroom.cli.archive_views import (
    estimate_table,
    histogram_rows,
    histogram_table,
    human_bytes,
    notes_view,
    source_estimate_view,
)
from strongroom.cli.common import (
    DEFAULT_STATE,
    StateDirOption,
    console,
    errors,
    fail,
    local_client,
    running_stack,
)
from strongroom.deep_archive.public import (
    CATALOG_DESIGNS,
    DEFAULT_ARCHIVE_SIZE_MB,
    DEFAULT_CATALOG,
    DEFAULT_FILE_COUNT,
    DEFAULT_KEY_BYTES,
    CatalogDesign,
    HistogramError,
    InventoryOptions,
    UnpricedRegionError,
    available_regions,
    catalog_design,
    estimate_inventory,
    estimate_source,
    histogram_tally,
    price_region,
    uniform_tally,
)


def estimate(
    bucket: Annotated[str | None, typer.Option(help="Source bucket to list.")] = None,
    prefix: Annotated[
        str | None, typer.Option(help="Key prefix to list ('' for the whole bucket).")
    ] = None,
    objects: Annotated[
        int | None, typer.Option(help="Price this many objects of --size bytes; lists nothing.")
    ] = None,
    size: Annotated[int | None, typer.Option(help="Bytes per object, with --objects.")] = None,
    histogram: Annotated[
        Path | None,
        typer.Option(
            help="Price a size histogram: CSV lines 'size_bytes,count'; lists nothing.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    key_bytes: Annotated[
        int, typer.Option(help="Key length assumed with --objects or --histogram.")
    ] = DEFAULT_KEY_BYTES,
    catalog: Annotated[
        str,
        typer.Option(
            help="Catalog design priced for the packed option: 'parquet' (what the packer "
            "writes: manifests in S3, a record per archive) or 'dynamodb' (the design before "
            "it, an item per file, for comparison)."
        ),
    ] = DEFAULT_CATALOG,
    storage_class: Annotated[
        str, typer.Option(help="DEEP_ARCHIVE, GLACIER, GLACIER_IR or STANDARD_IA.")
    ] = "DEEP_ARCHIVE",
    file_count: Annotated[int, typer.Option(help="Most files per archive.")] = DEFAULT_FILE_COUNT,
    archive_size: Annotated[
        int, typer.Option(help="Most MB (MiB) per archive.")
    ] = DEFAULT_ARCHIVE_SIZE_MB,
    region: Annotated[
        str | None,
        typer.Option(
            help="Region whose prices apply (with --aws also the bucket's region); "
            "default: the stack's or the credential chain's (us-east-1 without a listing).",
            show_default=False,
        ),
    ] = None,
    on_aws: Annotated[
        bool,
        typer.Option("--aws", help="List the bucket on AWS instead of the local stack."),
    ] = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Compare lifecycle-per-object with packed archives; no job, no API."""
    sources = {
        "--bucket/--prefix": bucket is not None or prefix is not None,
        "--objects/--size": objects is not None or size is not None,
        "--histogram": histogram is not None,
    }
    chosen = [name for name, given in sources.items() if given]
    if len(chosen) != 1:
        given = ", ".join(chosen) or "none"
        raise fail(f"give exactly one of {', '.join(sources)} (given: {given})")
    try:
        design = catalog_design(catalog)
    except ValueError:
        raise fail(
            f"--catalog: must be one of {', '.join(CATALOG_DESIGNS)} (given {catalog!r})"
        ) from None
    settings: dict[str, Any] = {
        "storage_class": storage_class,
        "file_count": file_count,
        "archive_size_mb": archive_size,
    }
    if chosen[0] == "--bucket/--prefix":
        if bucket is None or prefix is None:
            raise fail("--bucket and --prefix go together")
        _estimate_listing(bucket, prefix, settings, design, region, on_aws, state_dir)
        return
    try:
        options = build_inventory_options({**settings, "key_bytes": key_bytes, "catalog": catalog})
    except OptionError as error:
        raise fail(str(error)) from error
    pricing = region or "us-east-1"
    if pricing not in available_regions():
        raise fail(str(UnpricedRegionError(pricing)))
    _estimate_hypothetical(options, objects, size, histogram, pricing)


def _estimate_hypothetical(
    options: InventoryOptions,
    objects: int | None,
    size: int | None,
    histogram: Path | None,
    region: str,
) -> None:
    try:
        if histogram is not None:
            tally = histogram_tally(histogram.read_text(encoding="utf-8"), options.key_bytes)
            what = f"histogram {histogram}"
        else:
            if objects is None or size is None:
                raise fail("--objects and --size go together")
            uniform = build_uniform_objects({"objects": objects, "size": size})
            tally = uniform_tally(uniform, options.key_bytes)
            what = f"{objects:,} objects of {size:,} bytes"
    except (HistogramError, OptionError) as error:
        raise fail(str(error)) from error
    result = estimate_inventory(tally, options, region=region)
    cost = result.cost
    console.print(
        f"{what}: {tally.files:,} objects, {human_bytes(tally.bytes)}, keys of "
        f"{options.key_bytes} bytes, {cost.archive_count:,} archives of at most "
        f"{options.file_count:,} files and {options.archive_size_mb:,} MB in "
        f"{options.storage_class}, catalog {options.catalog}, priced in {region}"
    )
    console.print(
        Group(
            histogram_table(histogram_rows(tally.histogram())),
            estimate_table(cost.as_rows()),
            notes_view(cost.notes),
        )
    )


def _estimate_listing(
    bucket: str,
    prefix: str,
    settings: dict[str, Any],
    catalog: CatalogDesign,
    region: str | None,
    on_aws: bool,
    state_dir: Path,
) -> None:
    try:
        options = build_estimate_options({"bucket": bucket, "prefix": prefix, **settings})
    except OptionError as error:
        raise fail(str(error)) from error
    if on_aws:
        s3 = boto3.session.Session().client("s3", region_name=region)
    else:
        s3 = local_client(running_stack(state_dir), "s3")
    pricing, substituted = (
        (region, None) if region is not None else price_region(s3.meta.region_name)
    )
    where = f"s3://{options.bucket}/{options.prefix}"
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=errors, transient=True
    ) as progress:
        listing = progress.add_task(f"listing {where}")

        def listed(count: int, size: int) -> None:
            progress.update(
                listing, description=f"listing {where}: {count:,} objects, {human_bytes(size)}"
            )

        try:
            result = estimate_source(
                s3, options, region=pricing, on_progress=listed, catalog=catalog
            )
        except UnpricedRegionError as error:
            raise fail(str(error)) from error
        except (BotoCoreError, ClientError) as error:
            raise fail(f"could not list {where}: {error}") from error
    archives = result.cost.archive_count
    console.print(
        f"{where}: {result.listed.files:,} objects, {human_bytes(result.listed.bytes)}, "
        f"{archives:,} archive{'' if archives == 1 else 's'} of at most "
        f"{options.file_count:,} files and "
        f"{options.archive_size_mb:,} MB in {options.storage_class}, priced in {pricing}"
    )
    console.print(source_estimate_view(result))
    if substituted is not None:
        console.print(substituted, style="yellow")
