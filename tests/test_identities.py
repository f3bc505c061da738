"""The social network a source or an identity's platform names."""

from __future__ import annotations

import pytest

from watcher.identities import network_of


@pytest.mark.parametrize(
    ("names", "network"),
    [
        (("twitter",), "twitter"),
        (("X",), "twitter"),
        (("netia-reddit", "reddit"), "reddit"),
        (("forum-dsl", "forum"), None),
        (("mirror-blog-comments", "import"), None),
        (("Facebook",), "facebook"),
        ((None, "wykop"), "wykop"),
        (("xbox-forum",), None),  # a word that starts like one is not the network
    ],
)
def test_the_network_a_source_or_platform_names(
    names: tuple[str | None, ...], network: str | None
) -> None:
    assert network_of(*names) == network
