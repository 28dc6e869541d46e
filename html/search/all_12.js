var searchData=
[
  ['val_0',['val',['../structfc__cbor__item.html#a3bf73c7b5f588d67afb0445b883b0cbe',1,'fc_cbor_item']]],
  ['validate_1',['validate',['../structfc__suit__manifest.html#ad2ca788b13194a41f835b08e123475b6',1,'fc_suit_manifest']]],
  ['vendor_5fid_2',['vendor_id',['../structfc__suit__device.html#ae34465a5e19ba8188739198b15281e95',1,'fc_suit_device::vendor_id()'],['../structfc__suit__params.html#aae224c2b3f6e62ca40e15fcc8027fc97',1,'fc_suit_params::vendor_id()']]],
  ['version_3',['version',['../structfc__image.html#abc4e2bbae02edcbb7e2b41c28e8a5b1d',1,'fc_image::version()'],['../structfc__suit__manifest.html#a0bfb8d77c1154d52fc677e507e9c626b',1,'fc_suit_manifest::version()']]]
];
