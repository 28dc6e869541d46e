var searchData=
[
  ['class_5fid_0',['class_id',['../structfc__suit__device.html#a51e664c779fc12062bbb1b2817b42f97',1,'fc_suit_device::class_id()'],['../structfc__suit__params.html#afd8bf7c94a672882bf2f2a7c471ee147',1,'fc_suit_params::class_id()']]],
  ['code_1',['code',['../structfc__error.html#ad78ed0e1c91427e7e1033b0bf2e421ce',1,'fc_error']]],
  ['component_2',['component',['../structfc__suit__manifest.html#ae3d4ef9209c5d7fcae20730642f5b8e3',1,'fc_suit_manifest::component()'],['../structfc__suit__result.html#ad77b27438fe72e5584105c2e6444c28b',1,'fc_suit_result::component()']]],
  ['component_5fslot_3',['component_slot',['../structfc__suit__params.html#a0819f5458340a821ff6d257295c20e70',1,'fc_suit_params']]],
  ['components_4',['components',['../structfc__suit__step.html#a145a873397cf65acd09aa986c4e3d431',1,'fc_suit_step']]],
  ['content_5',['content',['../structfc__suit__section.html#a9e7a650b9f7129b65cd5f6f28f03a97a',1,'fc_suit_section']]],
  ['cpu_6',['cpu',['../structfc__image.html#a6bf09b07389dd74cb0a46986e2bdac23',1,'fc_image::cpu()'],['../structfc__image__parts.html#a99910ac6c1faf7b0274cba39f03457bd',1,'fc_image_parts::cpu()']]],
  ['ctx_7',['ctx',['../structfc__port.html#a8aba2a3bd364a3a687bac8ba1fdfb5f8',1,'fc_port']]]
];
