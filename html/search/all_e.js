var searchData=
[
  ['random_0',['random',['../structfc__port.html#a5041388488d4ddea2124274cdc9b27ad',1,'fc_port']]],
  ['raw_1',['raw',['../structfc__suit__component__id.html#ab10fa2b9faf3ad38c0112fabb8e2973d',1,'fc_suit_component_id::raw()'],['../structfc__suit__step.html#a76913bf0dc4b587eaf2939e90d1ae2f5',1,'fc_suit_step::raw()']]],
  ['reason_2',['reason',['../structfc__error.html#a5c3a0e21dfc4d9a6bb61c4f3c3f1dd00',1,'fc_error']]],
  ['reference_5furi_3',['reference_uri',['../structfc__suit__manifest.html#a04d6b3a7563e5c24c7e43d289ab669ea',1,'fc_suit_manifest']]],
  ['rodata_4',['rodata',['../structfc__image.html#af7d2830702d32a5d563d393e8fa9be30',1,'fc_image::rodata()'],['../structfc__image__parts.html#ad7c2e5bb9090c1f66590ebbfcd45103e',1,'fc_image_parts::rodata()']]],
  ['rodata_5fsize_5',['rodata_size',['../structfc__image.html#a77aa40c20f509bbd289b2e358c836d8f',1,'fc_image::rodata_size()'],['../structfc__image__parts.html#a6729cbf092b805034438193c5e8b3b4a',1,'fc_image_parts::rodata_size()']]]
];
