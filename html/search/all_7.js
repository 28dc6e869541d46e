var searchData=
[
  ['id_0',['id',['../structfc__suit__step.html#a8b71b65334c8b9f99ce5841cb4f56a14',1,'fc_suit_step']]],
  ['image_2eh_1',['image.h',['../image_8h.html',1,'']]],
  ['image_5fdigest_2',['image_digest',['../structfc__suit__params.html#addf6c30dec76d9dcb90106ed99b4c100',1,'fc_suit_params']]],
  ['image_5fsize_3',['image_size',['../structfc__suit__params.html#ae68fe88b11b134413f4e041a3117bcc9',1,'fc_suit_params']]],
  ['install_4',['install',['../structfc__suit__manifest.html#a2f7aa7157fea2e21573e738b593161e4',1,'fc_suit_manifest']]],
  ['invoke_5',['invoke',['../structfc__suit__manifest.html#aa963f9ab1c95f7bbfe89df2392c35fdc',1,'fc_suit_manifest']]],
  ['invoke_5fargs_6',['invoke_args',['../structfc__suit__params.html#aaf76cdc54d3511e8e175dfdbc5b8a4ca',1,'fc_suit_params']]]
];
