var searchData=
[
  ['offset_0',['offset',['../structfc__cbor__item.html#a380ba1c2ab366bab7bc90100ae7eb63e',1,'fc_cbor_item::offset()'],['../structfc__suit__signature.html#a2af19d3d2437e38942701549dbabeb54',1,'fc_suit_signature::offset()'],['../structfc__suit__section.html#a99a26091c60d614d1cd5bb76ceac2610',1,'fc_suit_section::offset()'],['../structfc__suit__payload.html#abe8a318657400162f6814b279528ad28',1,'fc_suit_payload::offset()']]]
];
