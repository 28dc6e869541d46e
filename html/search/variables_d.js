var searchData=
[
  ['params_0',['params',['../structfc__suit__component__result.html#af0523fcef881520d2c6c560c8fe93013',1,'fc_suit_component_result']]],
  ['part_1',['part',['../structfc__suit__component__id.html#a68adb40885f7ecce0f22169cb4d74dd1',1,'fc_suit_component_id']]],
  ['payload_2',['payload',['../structfc__suit__manifest.html#aa426472b715f1b9dd9d814ceca19aafe',1,'fc_suit_manifest::payload()'],['../structfc__suit__component__result.html#aa616aecd9792a115c10302e97be348e4',1,'fc_suit_component_result::payload()']]],
  ['payload_5ffetch_3',['payload_fetch',['../structfc__suit__manifest.html#a57f89ef959307ca064bedf56c000c57f',1,'fc_suit_manifest']]],
  ['priority_4',['priority',['../structfc__suit__femto.html#a6feef9e42ace27fe55a9050ecb16f85f',1,'fc_suit_femto']]],
  ['protected_5fhdr_5',['protected_hdr',['../structfc__suit__signature.html#a09bd33a1e1120fafe3039958b896c044',1,'fc_suit_signature']]],
  ['ptr_6',['ptr',['../structfc__suit__bytes.html#ace85188fc3489ffaac56b1e1fb5a0feb',1,'fc_suit_bytes']]],
  ['public_5fkey_7',['public_key',['../structfc__suit__key.html#a275fbc2224074af9490db10695bf47c7',1,'fc_suit_key']]]
];
