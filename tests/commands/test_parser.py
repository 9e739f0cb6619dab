from commands.parser import parse

WID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"


def test_empty_and_unknown_give_help():
    assert parse("").name == "help"
    unknown = parse("frobnicate w1")
    assert unknown.name == "help" and unknown.unknown == "frobnicate"


def test_handle_channel_and_words():
    cmd = parse("follow W3 <#C0WEBINARS|webinars> registrations attendance")
    assert (cmd.name, cmd.webinar, cmd.channel, cmd.words) == ("follow", "W3", "C0WEBINARS",
                                                               ["registrations", "attendance"])


def test_graph_id_and_missing_webinar():
    assert parse(f"show {WID}").webinar == WID
    cmd = parse("follow <#C1>")
    assert cmd.webinar is None and cmd.channel == "C1"


def test_words_before_a_handle_are_not_taken_as_webinar():
    cmd = parse("remind w2 add 2h")
    assert cmd.webinar == "w2" and cmd.words == ["add", "2h"]
