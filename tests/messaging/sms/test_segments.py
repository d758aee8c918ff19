from gigafibre_fsm.messaging.sms import sms_segments


def test_common_french_accents_stay_in_gsm7():
	info = sms_segments("Votre technicien arrivera à 14 h. Répondez OUI pour confirmer. Où? Élise")
	assert info.encoding == "GSM-7"
	assert info.segments == 1


def test_cedilla_and_circumflex_force_ucs2():
	info = sms_segments("Ça y est : la fibre est prête, à bientôt!")
	assert info.encoding == "UCS-2"
	assert info.non_gsm == ("ê", "ô")  # capital Ç is in GSM-7's basic table, ç is not
	assert sms_segments("ç").encoding == "UCS-2"


def test_segment_boundaries():
	assert sms_segments("a" * 160).segments == 1
	assert sms_segments("a" * 161).segments == 2
	assert sms_segments("a" * 306).segments == 2
	assert sms_segments("a" * 307).segments == 3
	assert sms_segments("ê" * 70).segments == 1
	assert sms_segments("ê" * 71).segments == 2
	assert sms_segments("ê" * 134).segments == 2
	assert sms_segments("").segments == 0


def test_extension_characters_cost_two_septets():
	info = sms_segments("€" * 80)
	assert info.encoding == "GSM-7"
	assert info.units == 160
	assert info.segments == 1
	assert sms_segments("€" * 81).segments == 2


def test_emoji_count_two_utf16_units():
	assert sms_segments("👍").units == 2
