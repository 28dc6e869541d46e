var searchData=
[
  ['port_2eh_0',['port.h',['../port_8h.html',1,'']]]
];
