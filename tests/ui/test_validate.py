"""bot.ui.validate: slack_sdk's Block Kit checks plus the gaps it leaves open."""

from __future__ import annotations

import pytest

from bot.ui.validate import BlockKitError, validate_blocks, validate_message, validate_view


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def option(value: str) -> dict:
    return {"text": plain(value), "value": value}


def section(text: str = "hello") -> dict:
    return {"type": "section", "text": mrkdwn(text)}


def text_input(block_id: str = "title") -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Title"),
        "element": {"type": "plain_text_input", "action_id": "value", "placeholder": plain("Title")},
    }


def modal(**overrides) -> dict:
    return {
        "type": "modal",
        "title": plain("Create webinar"),
        "submit": plain("Create"),
        "blocks": [section()],
    } | (overrides)


# A broad sample of valid blocks: none of them may trip the round-trip check.
VALID_BLOCKS = [
    {"type": "header", "text": plain("Webinar")},
    {
        "type": "section",
        "block_id": "card",
        "text": mrkdwn("*Launch*"),
        "fields": [mrkdwn("*When*"), plain("Tomorrow")],
        "accessory": {
            "type": "button",
            "text": plain("Register"),
            "action_id": "register",
            "value": "w1",
            "style": "primary",
            "confirm": {
                "title": plain("Sure?"),
                "text": mrkdwn("Really register?"),
                "confirm": plain("Yes"),
                "deny": plain("No"),
            },
        },
    },
    {
        "type": "section",
        "text": mrkdwn("x"),
        "accessory": {"type": "overflow", "action_id": "more", "options": [option("a")]},
    },
    {
        "type": "section",
        "text": mrkdwn("x"),
        "accessory": {
            "type": "static_select",
            "action_id": "pick",
            "placeholder": plain("Pick"),
            "options": [option("a")],
        },
    },
    {"type": "divider"},
    {"type": "image", "image_url": "https://contoso.example/banner.png", "alt_text": "banner"},
    {
        "type": "context",
        "elements": [
            mrkdwn("by Diane"),
            {"type": "image", "image_url": "https://contoso.example/d.png", "alt_text": "D"},
        ],
    },
    {
        "type": "actions",
        "elements": [
            {"type": "button", "text": plain("Open"), "action_id": "open", "url": "https://contoso.example"},
            {"type": "datepicker", "action_id": "date", "initial_date": "2025-01-31"},
            {"type": "timepicker", "action_id": "time", "initial_time": "10:00"},
            {"type": "users_select", "action_id": "user"},
            {
                "type": "conversations_select",
                "action_id": "channel",
                "filter": {"include": ["public", "private"]},
            },
            {"type": "checkboxes", "action_id": "check", "options": [option("a")]},
        ],
    },
    {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hi ", "style": {"bold": True}},
                    {"type": "user", "user_id": "U0DIANE"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "x"}]}],
            },
        ],
    },
    {"type": "markdown", "text": "**bold**"},
]


class TestValidateBlocks:
    def test_a_broad_sample_of_valid_blocks_passes(self):
        validate_blocks(VALID_BLOCKS)

    def test_section_text_over_3000_characters(self):
        with pytest.raises(BlockKitError) as caught:
            validate_blocks([section("ok"), section("x" * 3001)])
        assert caught.value.code == "invalid_blocks"
        assert caught.value.errors == [
            "text attribute cannot exceed 3000 characters [json-pointer:/blocks/1]"
        ]

    def test_section_text_of_exactly_3000_characters_passes(self):
        validate_blocks([section("x" * 3000)])

    def test_at_most_50_blocks_in_a_message_and_100_in_a_modal(self):
        validate_blocks([section()] * 50)
        with pytest.raises(BlockKitError, match=r"no more than 50 items allowed \[json-pointer:/blocks\]"):
            validate_blocks([section()] * 51)
        validate_blocks([section()] * 100, surface="modal")
        with pytest.raises(BlockKitError, match="no more than 100"):
            validate_blocks([section()] * 101, surface="home")

    @pytest.mark.parametrize(
        ("block", "pointer"),
        [
            pytest.param({"type": "hologram"}, "/blocks/0/type", id="unknown-type-parses-to-None"),
            pytest.param(
                {"type": "actions", "elements": [{"type": "slider"}]},
                "/blocks/0/elements/0",
                id="element-to-None",
            ),
            pytest.param(
                {"type": "input", "label": plain("L"), "element": {"type": "slider"}},
                "/blocks/0/element",
                id="input-element-dropped",
            ),
            pytest.param(
                {"type": "section", "text": mrkdwn("x"), "acessory": {}},
                "/blocks/0/acessory",
                id="typo-key-dropped",
            ),
            pytest.param(
                {"type": "section", "text": "a bare string"}, "/blocks/0/text", id="string-for-object"
            ),
            pytest.param({"type": "section"}, "/blocks/0", id="neither-text-nor-fields"),
            pytest.param(
                {"type": "section", "text": {"type": "mrkdwn"}}, "/blocks/0", id="constructor-type-error"
            ),
            pytest.param("section", "/blocks/0", id="not-an-object"),
        ],
    )
    def test_what_slack_sdk_lets_through_is_caught(self, block, pointer):
        with pytest.raises(BlockKitError) as caught:
            validate_blocks([block])
        assert caught.value.code == "invalid_blocks"
        assert caught.value.errors[0].endswith(f"[json-pointer:{pointer}]")

    def test_slack_sdk_limits_still_apply(self):
        long_button = {"type": "button", "text": plain("x" * 76), "action_id": "a"}
        with pytest.raises(BlockKitError, match="cannot exceed 75"):
            validate_blocks([{"type": "actions", "elements": [long_button]}])
        with pytest.raises(BlockKitError, match="cannot exceed 150"):
            validate_blocks([{"type": "header", "text": plain("x" * 151)}])

    def test_every_problem_is_reported(self):
        with pytest.raises(BlockKitError) as caught:
            validate_blocks([section("x" * 3001), {"type": "carousel"}])
        assert len(caught.value.errors) == 2
        assert "; " in str(caught.value)

    def test_blocks_must_be_a_list(self):
        with pytest.raises(BlockKitError) as caught:
            validate_blocks('[{"type": "divider"}]')
        assert caught.value.code == "invalid_blocks_format"

    def test_the_error_is_a_value_error(self):
        assert issubclass(BlockKitError, ValueError)


class TestValidateView:
    def test_a_modal_with_inputs_and_a_home_tab_pass(self):
        validate_view(
            modal(blocks=[*VALID_BLOCKS, text_input()], close=plain("Cancel"), private_metadata="{}")
        )
        validate_view({"type": "home", "blocks": VALID_BLOCKS})

    @pytest.mark.parametrize(
        ("overrides", "reason"),
        [
            ({"title": None}, "a modal needs a title [json-pointer:/view/title]"),
            ({"title": mrkdwn("Hi")}, "title must be a plain_text object"),
            ({"title": "Hi"}, "title must be a plain_text object"),
            ({"title": plain("")}, "title must be more than 0 characters"),
            ({"submit": mrkdwn("Go")}, "submit must be a plain_text object"),
            (
                {"submit": None, "blocks": [text_input()]},
                "must have a submit button when it has input blocks",
            ),
            ({"external_id": "e" * 256}, "external_id cannot exceed 255"),
            ({"type": "dialog"}, "type must be 'modal' or 'home'"),
            ({"blocks": None}, "blocks must be a JSON array"),
        ],
    )
    def test_gaps_slack_sdk_leaves_open(self, overrides, reason):
        with pytest.raises(BlockKitError) as caught:
            validate_view({k: v for k, v in modal(**overrides).items() if v is not None})
        assert caught.value.code == "invalid_arguments"
        assert any(reason in error for error in caught.value.errors), caught.value.errors

    @pytest.mark.parametrize(
        ("overrides", "reason"),
        [
            ({"title": plain("x" * 25)}, "title must be between 1 and 24 characters"),
            ({"private_metadata": "x" * 3001}, "private_metadata cannot exceed 3000 characters"),
            ({"callback_id": "x" * 256}, "callback_id cannot exceed 255"),
            ({"blocks": []}, "views must contain between 1 and 100 blocks"),
        ],
    )
    def test_slack_sdk_view_rules_apply(self, overrides, reason):
        with pytest.raises(BlockKitError, match=reason):
            validate_view(modal(**overrides))

    def test_home_tab_cannot_have_submit_or_close(self):
        with pytest.raises(
            BlockKitError, match=r"home view cannot have submit \[json-pointer:/view/submit\]"
        ):
            validate_view({"type": "home", "submit": plain("Go"), "blocks": [section()]})

    def test_bad_blocks_are_pointed_at_inside_the_view(self):
        with pytest.raises(BlockKitError) as caught:
            validate_view(modal(blocks=[section(), section("x" * 3001)]))
        assert caught.value.errors == [
            "text attribute cannot exceed 3000 characters [json-pointer:/view/blocks/1]"
        ]

    def test_at_most_100_blocks(self):
        validate_view(modal(blocks=[section()] * 100))
        with pytest.raises(BlockKitError, match="no more than 100 items"):
            validate_view(modal(blocks=[section()] * 101))

    def test_oversized_view(self):
        blocks = [section("x" * 2900)] * 90
        with pytest.raises(BlockKitError) as caught:
            validate_view(modal(blocks=blocks))
        assert caught.value.code == "view_too_large"

    def test_not_a_dict(self):
        with pytest.raises(BlockKitError, match="view must be a JSON object"):
            validate_view([section()])


class TestValidateMessage:
    def test_text_or_blocks(self):
        validate_message({"text": "hi"})
        validate_message({"blocks": [section()]})
        validate_message({"text": "fallback", "blocks": VALID_BLOCKS})

    @pytest.mark.parametrize(
        "payload", [{}, {"text": ""}, {"text": None, "blocks": []}, {"channel": "C0GENERAL"}]
    )
    def test_no_text(self, payload):
        with pytest.raises(BlockKitError) as caught:
            validate_message(payload)
        assert caught.value.code == "no_text"

    def test_text_over_40000_characters(self):
        validate_message({"text": "x" * 40_000})
        with pytest.raises(BlockKitError) as caught:
            validate_message({"text": "x" * 40_001})
        assert caught.value.code == "msg_too_long"

    def test_blocks_are_validated(self):
        with pytest.raises(BlockKitError) as caught:
            validate_message({"text": "hi", "blocks": [section()] * 51})
        assert caught.value.code == "invalid_blocks"

    def test_too_many_attachments(self):
        with pytest.raises(BlockKitError) as caught:
            validate_message({"attachments": [{"text": "a"}] * 101})
        assert caught.value.code == "too_many_attachments"
