"""Background tasks of the field capability."""

from __future__ import annotations

from dispatch import tasks
from dispatch.field import photos


@tasks.task(photos.PROCESS_TASK)
def process_photo(photo_id: int) -> None:
    """Clean an uploaded photo (upright, no metadata, bounded) and make its thumbnail; idempotent."""
    photos.process(photo_id)
