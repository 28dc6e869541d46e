var searchData=
[
  ['image_2eh_0',['image.h',['../image_8h.html',1,'']]]
];
