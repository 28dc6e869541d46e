var searchData=
[
  ['base_0',['base',['../structfc__image.html#a6df6ecb65aa85d8a3bf9c796bf21e7fd',1,'fc_image']]],
  ['bss_5fsize_1',['bss_size',['../structfc__image.html#afe7a569ed8089fcf2f37a7b5a99f0117',1,'fc_image::bss_size()'],['../structfc__image__parts.html#a0633ca23b773feb51595126c0601a0f2',1,'fc_image_parts::bss_size()']]],
  ['budget_2',['budget',['../structfc__image.html#ade24817b9a4389f20e227b2d7e6dd9b6',1,'fc_image::budget()'],['../structfc__image__parts.html#ab441dc73cc6278c6ea6ca3ebfd0251ab',1,'fc_image_parts::budget()'],['../structfc__suit__femto.html#a8360e8b4614e7ef7d070357ba5738727',1,'fc_suit_femto::budget()']]],
  ['bytes_3',['bytes',['../structfc__suit__digest.html#adc39768e1c6751e2af30bf9673668b63',1,'fc_suit_digest']]]
];
