var searchData=
[
  ['ed25519_5fverify_0',['ed25519_verify',['../structfc__port.html#a7055a064ddd8bf8d455701a9fb5c0b03',1,'fc_port']]],
  ['entry_1',['entry',['../structfc__suit__femto.html#aeb0f2fabeb505a4e7b400aaa362f3e38',1,'fc_suit_femto']]],
  ['envelope_2',['envelope',['../structfc__suit__manifest.html#a48b4fa4234de2ba9d2db0d887a1b880f',1,'fc_suit_manifest']]],
  ['envelope_5fkeys_3',['envelope_keys',['../structfc__suit__manifest.html#a13c29a0b18027a4c7cb7056eb090ce07',1,'fc_suit_manifest']]],
  ['epoch_4',['epoch',['../structfc__suit__version.html#afb796207ad64399fe4beb9dcd45c3599',1,'fc_suit_version::epoch()'],['../structfc__suit__femto.html#a1464b74bad32e2aa74320e33ddf56cd1',1,'fc_suit_femto::epoch()']]],
  ['es256_5fverify_5',['es256_verify',['../structfc__port.html#a3a3b559b76d9fcbf9c2b3d80527ecb9c',1,'fc_port']]]
];
