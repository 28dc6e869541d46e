var searchData=
[
  ['key_0',['key',['../structfc__suit__payload.html#a7b33824321f089d008c1dddd4e4f9a83',1,'fc_suit_payload']]],
  ['kid_1',['kid',['../structfc__suit__signature.html#ad101d43d06ad689bd82602a2ba3d3cea',1,'fc_suit_signature']]],
  ['kind_2',['kind',['../structfc__suit__step.html#a44115fc806c37e11de0f4de36a091846',1,'fc_suit_step']]]
];
