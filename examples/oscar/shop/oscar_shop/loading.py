"""Oscar's class loader, with this shop's shipping methods (Oscar's documented override point)."""

from typing import Any

from oscar.core.loading import default_class_loader


def class_loader(module_label: str, classnames: list[str], module_prefix: str) -> list[Any]:
    """Oscar's own classes, except ``shipping.repository.Repository``: ours offers three methods."""
    if module_label == "shipping.repository" and classnames == ["Repository"]:
        from oscar_shop.shipping import Repository

        return [Repository]
    return default_class_loader(module_label, classnames, module_prefix)  # type: ignore[no-any-return]
