var searchData=
[
  ['uri_0',['uri',['../structfc__suit__params.html#a79f601ac7c2c6df9cb34ca1f20602f0a',1,'fc_suit_params']]]
];
