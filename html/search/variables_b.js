var searchData=
[
  ['n_5fauth_5fblocks_0',['n_auth_blocks',['../structfc__suit__manifest.html#a7c5daf5c86b1d6b6734c36c6cad83344',1,'fc_suit_manifest']]],
  ['n_5fcomponents_1',['n_components',['../structfc__suit__manifest.html#a9d93243a9433bab0865a367ff59ef386',1,'fc_suit_manifest::n_components()'],['../structfc__suit__result.html#a9ba4ec93bbddef15272c9f0ce4080905',1,'fc_suit_result::n_components()']]],
  ['n_5fhooks_2',['n_hooks',['../structfc__suit__femto.html#a64da89d752680304cb1aca7d340c297f',1,'fc_suit_femto']]],
  ['n_5fparts_3',['n_parts',['../structfc__suit__component__id.html#a8a077976eb1b89edfad243b8bb95f861',1,'fc_suit_component_id']]],
  ['n_5fpayloads_4',['n_payloads',['../structfc__suit__manifest.html#ab8c39ca17b10628cb654ba010a7eacf7',1,'fc_suit_manifest']]],
  ['n_5fsignatures_5',['n_signatures',['../structfc__suit__manifest.html#a5928f99eaa9b5eef67ae1e28d79105ff',1,'fc_suit_manifest']]],
  ['name_6',['name',['../structfc__image.html#ace3befbbbb913cab4cc44e0b63e2afef',1,'fc_image::name()'],['../structfc__image__func.html#ac7e08964707181440b20ba519799ef44',1,'fc_image_func::name()'],['../structfc__image__parts.html#a273fc09aeb34f17b4cdb68bf28083347',1,'fc_image_parts::name()']]],
  ['now_5fus_7',['now_us',['../structfc__port.html#aa8167c6c74862f14a9daca642b6a6260',1,'fc_port']]]
];
