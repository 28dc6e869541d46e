var searchData=
[
  ['has_0',['has',['../structfc__suit__params.html#af4a4f3678bb6d8bbbef199ffc203d334',1,'fc_suit_params']]],
  ['has_5ffemto_5fslot_1',['has_femto_slot',['../structfc__suit__component__result.html#a69aa2e68abde8bcd9287c21888966aaf',1,'fc_suit_component_result']]],
  ['helpers_2',['helpers',['../structfc__image.html#ad920acd54c5687ae55952c181b89df5e',1,'fc_image::helpers()'],['../structfc__image__parts.html#a34822f3405feaa3575694d84daf90752',1,'fc_image_parts::helpers()']]],
  ['hook_3',['hook',['../structfc__suit__femto.html#a8ac6f731b3b7fe97698a75d6b5546ac2',1,'fc_suit_femto']]]
];
