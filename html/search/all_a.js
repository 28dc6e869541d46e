var searchData=
[
  ['manifest_0',['manifest',['../structfc__suit__manifest.html#a49efe70cb84ee42979acc4d3be2e141d',1,'fc_suit_manifest']]],
  ['manifest_5fkeys_1',['manifest_keys',['../structfc__suit__manifest.html#a695ec095ebeea08bdb6392746aeb421b',1,'fc_suit_manifest']]],
  ['manifest_5foffset_2',['manifest_offset',['../structfc__suit__manifest.html#ae71013513261c262b8adbf4d88c74bdb',1,'fc_suit_manifest']]],
  ['manifest_5fwrapped_3',['manifest_wrapped',['../structfc__suit__manifest.html#ace1cdb63abfb07d406b90b70389b928b',1,'fc_suit_manifest']]]
];
