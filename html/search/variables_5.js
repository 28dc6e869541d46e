var searchData=
[
  ['femto_0',['femto',['../structfc__suit__params.html#a7cf304f260deffe40c6c6d1dcd8c04e6',1,'fc_suit_params']]],
  ['femto_5fslot_1',['femto_slot',['../structfc__suit__component__result.html#aaa7e3c6beac9c15b49fd66029858716b',1,'fc_suit_component_result']]],
  ['flags_2',['flags',['../structfc__image.html#a464b916222095555b60c61b6a38bcf20',1,'fc_image::flags()'],['../structfc__image__func.html#a91480599a0e8523ff26dc45e1a5746e6',1,'fc_image_func::flags()']]],
  ['frame_5fsize_3',['frame_size',['../structfc__image.html#a9b13fcc9e0b2e35bde732e7d2d2ede8f',1,'fc_image::frame_size()'],['../structfc__image__parts.html#af485c00b1ab5d1164065bbd43d87979c',1,'fc_image_parts::frame_size()']]],
  ['func_5fcount_4',['func_count',['../structfc__image.html#a4a794cde09a34be9d379c6d491d7ff0a',1,'fc_image::func_count()'],['../structfc__image__parts.html#aed01609c9d2d6a5cb2b82775b8d009b4',1,'fc_image_parts::func_count()']]],
  ['funcs_5',['funcs',['../structfc__image__parts.html#afaef5079dafd63b6ed74cc85f87dfb85',1,'fc_image_parts']]],
  ['functab_6',['functab',['../structfc__image.html#a9420cb7fc7c033cf37a5d65fe06f6892',1,'fc_image']]]
];
