var searchData=
[
  ['status_2eh_0',['status.h',['../status_8h.html',1,'']]],
  ['suit_2eh_1',['suit.h',['../suit_8h.html',1,'']]]
];
