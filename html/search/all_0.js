var searchData=
[
  ['actions_0',['actions',['../structfc__suit__component__result.html#a280c7da650addc11501f204ada526d06',1,'fc_suit_component_result']]],
  ['addr_1',['addr',['../structfc__error.html#a3e6dac0c03d9bd7ed1fbe7fa2176a27f',1,'fc_error']]],
  ['alg_2',['alg',['../structfc__suit__digest.html#a93a26b6c409dcd42998cbf4d0dbbf759',1,'fc_suit_digest::alg()'],['../structfc__suit__signature.html#a842b81ee616ce577890d4e73fe4951f5',1,'fc_suit_signature::alg()']]],
  ['app_5fversion_3',['app_version',['../structfc__image.html#a5d10ed7a846aa609c4161c2a5311c223',1,'fc_image::app_version()'],['../structfc__image__parts.html#a2f8b7b64aa5dc579c132f1c3ffd4c8c2',1,'fc_image_parts::app_version()']]],
  ['arg_4',['arg',['../structfc__suit__step.html#a5a83244b2b2235d9662b566d73fea3d1',1,'fc_suit_step']]]
];
