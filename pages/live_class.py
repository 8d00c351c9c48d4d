"""A live class session: students join with a code and answer; the teacher's link poses, reveals, votes again."""

from ui import router

router.ensure_routed()

from ui import live_view  # noqa: E402

live_view.page()
