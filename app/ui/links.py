"""Links in model output whose text is not plainly their target ask before they open.

Model output is untrusted: ``[https://a.com](https://b.com)`` or a look-alike host
(``pаypal.com`` with a Cyrillic "а") would open somewhere else than the text says with one click.
A link opens at once only when its text *is* its target (autolinks, bare URLs) and the host is
plain ASCII; anything else first shows a dialog naming the real target and host, in punycode
for an internationalised (IDN) host.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QMessageBox, QWidget

_SCHEMES = ("https://", "http://", "mailto:")
log = logging.getLogger(__name__)


def open_web_link(url: str) -> bool:
    """Open a web link the user clicked in the system browser; anything but http(s) is refused."""
    qurl = QUrl(url)
    if not qurl.isValid() or qurl.scheme() not in ("http", "https"):
        log.debug("refused to open a %r link", qurl.scheme())
        return False
    return QDesktopServices.openUrl(qurl)


def anchor_texts(document: QTextDocument, url: QUrl) -> list[str]:
    """The text of every anchor in ``document`` that leads to ``url`` (one per link: a link
    whose text is partly bold or code spans several fragments)."""
    texts: list[str] = []
    current: list[str] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            if fmt.isAnchor() and QUrl(fmt.anchorHref()) == url:
                current.append(fragment.text())
            elif current:
                texts.append("".join(current))
                current = []
            iterator += 1
        if current:
            texts.append("".join(current))
            current = []
        block = block.next()
    return texts


def is_idn(url: str) -> bool:
    """Whether the host is internationalised (non-ASCII, or already in punycode)."""
    host = urlsplit(url).hostname or ""
    return not host.isascii() or any(label.startswith("xn--") for label in host.split("."))


def text_is_target(text: str, url: str) -> bool:
    """Whether the link text is its target: the URL itself, without its scheme, without a
    trailing slash, or percent-decoded."""
    text = text.strip()
    forms = {url, unquote(url)}
    forms |= {form.removeprefix(scheme) for form in forms for scheme in _SCHEMES}
    forms |= {form.rstrip("/") for form in forms}
    return text in forms or text.rstrip("/") in forms


def needs_confirmation(texts: list[str], url: str) -> bool:
    """Ask first unless every link to ``url`` shows ``url`` itself, on a plain ASCII host."""
    return not texts or is_idn(url) or not all(text_is_target(text, url) for text in texts)


def host_line(url: QUrl) -> str:
    """The host as it really is: punycode (ASCII), with its Unicode form when that differs."""
    ascii_host = url.host(QUrl.ComponentFormattingOption.FullyEncoded)
    unicode_host = url.host(QUrl.ComponentFormattingOption.PrettyDecoded)
    if unicode_host and unicode_host != ascii_host:
        return f"{ascii_host}  ({unicode_host})"
    return ascii_host or url.scheme()


def confirm_open(parent: QWidget, url: QUrl, open_: Callable[[], None]) -> QMessageBox:
    """Ask (without blocking the event loop) whether to open ``url``; ``open_`` on yes."""
    box = QMessageBox(parent)
    box.setObjectName("confirmLink")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Links", "Open this link?"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # the target comes from model output
    text = QCoreApplication.translate(
        "Links",
        "This link may lead somewhere other than its text shows.\n\nIt opens:\n{target}\n\n"
        "Host: {host}",
    )
    target = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
    box.setText(text.format(target=target, host=host_line(url)))
    open_button = box.addButton(
        QCoreApplication.translate("Links", "Open"), QMessageBox.ButtonRole.AcceptRole
    )
    open_button.setObjectName("confirmLinkOpen")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)

    def done(_result: int) -> None:
        if box.clickedButton() is open_button:
            open_()
        box.deleteLater()

    box.finished.connect(done)
    box.open()
    return box
