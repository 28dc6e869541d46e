var searchData=
[
  ['len_0',['len',['../structfc__suit__bytes.html#a082d9605d61e36012d15ebe2f0f2cbee',1,'fc_suit_bytes']]],
  ['load_1',['load',['../structfc__suit__manifest.html#a8f0aa2d6362be8065cb6c8fc22851452',1,'fc_suit_manifest']]],
  ['log_2',['log',['../structfc__port.html#a788daf36ad14c2d0d7613f9bb34dfc83',1,'fc_port']]]
];
