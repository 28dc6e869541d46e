var searchData=
[
  ['data_0',['data',['../structfc__image.html#a02b74d0046138356956baecdfb85c366',1,'fc_image::data()'],['../structfc__image__parts.html#ad9b85505905878d59675e8d921f14045',1,'fc_image_parts::data()'],['../structfc__suit__payload.html#aea8d1f074856e7a581c259ffd4b478a9',1,'fc_suit_payload::data()']]],
  ['data_5fsize_1',['data_size',['../structfc__image.html#a96be502ad0b93f346a6c8ad3bc633746',1,'fc_image::data_size()'],['../structfc__image__parts.html#afd32399629a25ce45f3a0c2879cdcb2f',1,'fc_image_parts::data_size()']]],
  ['device_5fid_2',['device_id',['../structfc__suit__device.html#a274ee06869ef2153c50b52d18da7dc43',1,'fc_suit_device::device_id()'],['../structfc__suit__params.html#a3c67db71f60277c6abaeef68a0aee7a0',1,'fc_suit_params::device_id()']]],
  ['digest_3',['digest',['../structfc__suit__section.html#a45afa35464b75e0df300b4f57735441e',1,'fc_suit_section::digest()'],['../structfc__suit__manifest.html#a16360e64dc4d78f601bcb41dacc823eb',1,'fc_suit_manifest::digest()']]],
  ['digest_5fcbor_4',['digest_cbor',['../structfc__suit__manifest.html#adffc0ec5b86ab2198f1cc52e9e471e9b',1,'fc_suit_manifest']]],
  ['digest_5fwrapped_5',['digest_wrapped',['../structfc__suit__manifest.html#aad9077a07940418c3dae788fd8b8f741',1,'fc_suit_manifest']]]
];
