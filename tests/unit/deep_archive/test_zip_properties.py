"""Property: any set of keys and contents, added any way, comes back exactly."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strongroom.deep_archive.domain.zip_reader import read_member
from tests.unit.deep_archive.zip_fakes import SampleMember, write_archive

# S3 keys: any Unicode text but NUL and lone surrogates (which S3 cannot hold either).
keys = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=60,
)
contents = st.one_of(
    st.binary(max_size=3000),
    st.builds(
        lambda unit, times: unit * times, st.binary(min_size=1, max_size=20), st.integers(1, 400)
    ),
)
modes = st.sampled_from(["auto", "deflate", "store", "stream-store", "stream-deflate"])
members = st.lists(
    st.builds(SampleMember, name=keys, data=contents, mode=modes, chunk_size=st.integers(1, 2048)),
    max_size=12,
    unique_by=lambda member: member.name,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members)
def test_every_member_round_trips_through_zipfile_and_its_byte_range(
    generated: list[SampleMember],
) -> None:
    archive, records = write_archive(generated)

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.testzip() is None
        infos = opened.infolist()
        assert [info.filename for info in infos] == [member.name for member in generated]
        for member, info in zip(generated, infos, strict=True):
            assert opened.read(info) == member.data

    for member, record in zip(generated, records, strict=True):
        raw = archive[record.data_offset : record.data_offset + record.compressed_size]
        assert read_member(raw, record) == member.data
