var searchData=
[
  ['where_0',['where',['../structfc__error.html#a3cc0462a44c8dc278fc9a66fe320e22e',1,'fc_error']]],
  ['wrapped_1',['wrapped',['../structfc__suit__section.html#a1ffe9eb0d715871135c395f748d32241',1,'fc_suit_section']]]
];
